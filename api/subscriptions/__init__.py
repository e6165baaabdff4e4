"""Subscriptions to subprocessor changes (Art. 28(2) GDPR): double opt-in, one notice per
subscriber and run covering every change not yet effective and not yet told to them, a proof
record of each notice, and one-click unsubscribing (RFC 8058).

Nothing here knows HTTP: `api/web/routes/subscriptions.py` calls `service`, and
`trustcenter notify` / the Lambda schedule call `notify`.
"""
