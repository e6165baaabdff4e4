"""One router per resource, mounted under /api by api.app."""
