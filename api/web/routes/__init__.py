"""One router per resource, each under /api (`APIRouter(prefix=API_PREFIX)`), so a route's
template is its whole path: that template, never the path as sent, is what gets logged."""

API_PREFIX = "/api"
