"""E-mail: drafts (``OUT/_mail/<id>.eml``), a safe send through SMTP, and the sent log that keeps it from
sending anything twice."""
