"""The MkDocs hooks listed in mkdocs.yml. MkDocs loads each by its file path, with this
folder on sys.path, so they import each other by bare name (`import trustcenter_build`); the
package exists for the import-linter contracts in pyproject.toml."""
