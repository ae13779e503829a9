"""After the build: the report page, page previews, the print run and the dispatch list."""
