"""Every check: the preflight before a build, checks of rendered documents, text fidelity of PDFs."""
