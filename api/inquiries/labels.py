"""Human names of request types and requester roles, for mail and the command line."""

from __future__ import annotations

from api.i18n import Localized

REQUEST_TYPES: dict[str, Localized] = {
    "access": {"de": "Auskunft (Art. 15 DSGVO)", "en": "Access (Art. 15 GDPR)"},
    "rectification": {"de": "Berichtigung (Art. 16 DSGVO)", "en": "Rectification (Art. 16 GDPR)"},
    "erasure": {"de": "Löschung (Art. 17 DSGVO)", "en": "Erasure (Art. 17 GDPR)"},
    "restriction": {
        "de": "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
        "en": "Restriction of processing (Art. 18 GDPR)",
    },
    "portability": {
        "de": "Datenübertragbarkeit (Art. 20 DSGVO)",
        "en": "Data portability (Art. 20 GDPR)",
    },
    "objection": {"de": "Widerspruch (Art. 21 DSGVO)", "en": "Objection (Art. 21 GDPR)"},
    "withdraw_consent": {
        "de": "Widerruf einer Einwilligung (Art. 7 Abs. 3 DSGVO)",
        "en": "Withdrawal of consent (Art. 7(3) GDPR)",
    },
    "subprocessor_objection": {
        "de": "Einspruch gegen einen Unterauftragsverarbeiter",
        "en": "Objection to a subprocessor",
    },
    "complaint": {"de": "Beschwerde", "en": "Complaint"},
    "question": {"de": "Frage zum Datenschutz", "en": "Question about data protection"},
}

REQUESTER_ROLES: dict[str, Localized] = {
    "customer": {"de": "Kunde von UNOY", "en": "UNOY customer"},
    "customer_data_subject": {
        "de": "Betroffene Person, deren Daten ein Kunde von UNOY verarbeitet",
        "en": "Data subject whose data a UNOY customer processes",
    },
    "prospect": {"de": "Interessent", "en": "Prospect"},
    "other": {"de": "Andere", "en": "Other"},
}

# Said in the API answer and the acknowledgement when UNOY is only the processor.
CONTROLLER_NOTICE: Localized = {
    "de": "UNOY verarbeitet diese Daten im Auftrag seines Kunden (Art. 28 DSGVO); "
    "Verantwortlicher ist der Kunde. Wir leiten Ihre Anfrage deshalb an diesen Kunden weiter, "
    "der sie beantwortet, und unterstützen ihn dabei.",
    "en": "UNOY processes this data on behalf of its customer (Art. 28 GDPR); the customer is "
    "the controller. We therefore forward your request to that customer, who will answer it, "
    "and support them in doing so.",
}
