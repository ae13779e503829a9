"""A build: from the campaign and its recipients to the output folder, only what changed.

Public: ``build`` (``build``, ``assess_all``), ``results`` (what a build reports), ``status``
(states and reasons), ``manifest`` (typed entries of manifest.json), ``layout`` (the output
folder's paths), ``plan`` (what each recipient gets). Internal: ``_run`` (one locked run),
``_pipeline`` (render → convert → check → bundle → record), ``_fingerprint``, ``_journal``,
``_environment``.
"""
