"""MkDocs Material overrides (templates) and the build hooks of the Trust Center site."""
