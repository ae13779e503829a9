"""PDFs: LibreOffice conversion and its pool, the conversion cache, normalisation, bundles.

Public modules: ``convert`` (DOCX → PDF with LibreOffice, and the names of its scratch
folders), ``pool`` (conversion alongside rendering), ``cache`` (one conversion per distinct
DOCX), ``bundle`` (one PDF per recipient). Modules with a leading underscore serve only these.
"""
