"""Signature-ready Data Processing Agreements: customer details in, a filled .docx (or PDF) out.

`context` builds what the templates see, `render` fills them, `pdf` converts with LibreOffice,
`issue` ties these to the record kept for every DPA handed out.
"""
