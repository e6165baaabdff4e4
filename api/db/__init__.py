"""The store: SQLAlchemy 2 models (one module per table family) and the engine/session."""
