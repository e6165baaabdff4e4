"""Privacy inquiries: what a person may send, its reference and deadline, and how it is kept."""
