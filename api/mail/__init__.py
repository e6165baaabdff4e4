"""Mail: composing from de/en templates, the transactional outbox and the SMTP sender."""
