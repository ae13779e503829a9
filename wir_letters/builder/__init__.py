"""A build: plan, fingerprints, status, manifest, journal, the streaming pipeline and the run itself."""
