"""What `POST /api/dpa` accepts. Every customer value is single-line text with a length limit:
it lands in Word paragraphs and table cells, where a line break or tab would change the layout
of a contract."""

from __future__ import annotations

from typing import Annotated, Literal

from babel import Locale
from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from api.core.i18n import Lang
from api.core.validation import (
    BlankToNone,
    CaptchaToken,
    Email,
    PersonName,
    SingleLine,
    StrictModel,
)

OPTIONS_MAX = 50

# Babel also knows regions that are not countries (EU, UN, "world" 001, ...) and codes that
# ISO 3166-1 only reserves (AC, CP, DG, ...). XK (Kosovo) stays: it is user-assigned, but the
# EU and most registries use it.
_NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)
COUNTRY_CODES = frozenset(
    code
    for code in map(str, Locale("en").territories)
    if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
)


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise PydanticCustomError("country_code", "must be an ISO 3166-1 alpha-2 country code")
    return code


Position = Annotated[SingleLine, Field(max_length=200)]
Street = Annotated[SingleLine, Field(max_length=200)]
PostalCode = Annotated[SingleLine, Field(max_length=20)]
City = Annotated[SingleLine, Field(max_length=100)]
Register = Annotated[Annotated[SingleLine, Field(max_length=200)] | None, BlankToNone]
VatId = Annotated[Annotated[SingleLine, Field(max_length=50)] | None, BlankToNone]
Phone = Annotated[Annotated[SingleLine, Field(max_length=50)] | None, BlankToNone]
Country = Annotated[
    str,
    Field(min_length=2, max_length=2, json_schema_extra={"enum": sorted(COUNTRY_CODES)}),
    AfterValidator(_country),
]
OptionId = Annotated[str, Field(min_length=1, max_length=64)]


class ContactPerson(StrictModel):
    name: PersonName
    position: Position
    email: Email
    phone: Phone = None


class DataProtectionOfficer(StrictModel):
    name: PersonName
    email: Email


class Signatory(StrictModel):
    name: PersonName
    position: Position


class Customer(StrictModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    legal_name: Annotated[
        SingleLine, Field(max_length=200, description="The company name with its legal form.")
    ]
    street: Street
    postal_code: PostalCode
    city: City
    country: Annotated[Country, Field(description="ISO 3166-1 alpha-2, e.g. DE.")]
    # `register` would shadow pydantic's BaseModel.register; the JSON name stays "register".
    commercial_register: Annotated[Register, Field(alias="register")] = None
    vat_id: VatId = None
    contact: ContactPerson
    dpo: DataProtectionOfficer | None = None
    signatory: Signatory


class Processing(StrictModel):
    """Choices from `data/dpa.yml`; a list left out means that file's defaults."""

    data_subjects: Annotated[list[OptionId], Field(min_length=1, max_length=OPTIONS_MAX)] | None = (
        None
    )
    data_categories: (
        Annotated[list[OptionId], Field(min_length=1, max_length=OPTIONS_MAX)] | None
    ) = None
    special_categories: bool = False


class DpaRequest(StrictModel):
    language: Lang
    format: Literal["docx", "pdf"] = "docx"
    customer: Customer
    processing: Processing = Field(default_factory=Processing)
    captcha_token: CaptchaToken = None
