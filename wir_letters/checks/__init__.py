"""Every check: the preflight before a build, checks of rendered documents, text fidelity of PDFs.

Public modules: ``preflight`` (campaign, recipients and templates before a build), ``rows``
(problems of single recipients), ``output`` (rendered DOCX files), ``fidelity`` (DOCX words
against PDF words). Modules with a leading underscore serve only these.
"""
