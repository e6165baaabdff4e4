"""`GET /api/docs`: Swagger UI served by the API itself (`TRUSTCENTER_API_DOCS`).

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script, so its CSP
would need a third-party origin and 'unsafe-inline'. Here the page, its two vendor files (from
the installed `fastapi-offline` package) and the small start script all come from this origin,
and the page's policy allows nothing else (see DOCS_CSP in api/web/middleware.py).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.routes import API_PREFIX

router = APIRouter(prefix=API_PREFIX, include_in_schema=False)

DOCS = f"{API_PREFIX}/docs"
PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>UNOY Trust Center API</title>
<link rel="stylesheet" href="{DOCS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{API_PREFIX}/openapi.json"></div>
<script src="{DOCS}/swagger-ui-bundle.js"></script>
<script src="{DOCS}/start.js"></script>
</body>
</html>
"""
# validatorUrl null: Swagger UI would otherwise show a badge fetched from validator.swagger.io.
START = """(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
"""
VENDOR = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
}
ASSET_CACHE = "public, max-age=3600"


def assets_dir() -> Path:
    import fastapi_offline  # the files only; its FastAPI factory is not used

    return Path(fastapi_offline.__file__).resolve().parent / "static"


@router.get("/docs")
async def docs_page() -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"Cache-Control": "no-cache"})


@router.get("/docs/{name}")
async def docs_asset(name: str) -> Response:
    if name == "start.js":
        return Response(START, media_type=VENDOR["swagger-ui-bundle.js"])
    if name not in VENDOR:
        raise StarletteHTTPException(404)
    return FileResponse(
        assets_dir() / name, media_type=VENDOR[name], headers={"Cache-Control": ASSET_CACHE}
    )
