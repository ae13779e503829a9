"""PDFs: LibreOffice conversion and its pool, the conversion cache, normalisation, bundles."""
