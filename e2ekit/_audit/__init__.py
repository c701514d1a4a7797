"""The audit: which hostile origins real browsers let read the app's responses.

``hostile.py`` builds the hostile origins for an allow-list and a policy; ``attempts.py`` the requests an attacker's
page makes; ``plan.py`` checks the inputs and picks the target origin; ``engine_audit.py`` runs the attempts from
each hostile origin in one engine; ``header_view.py`` is what a header-only scanner concludes from the same
responses; ``findings.py`` and ``judging.py`` turn the browsers' verdicts into ranked findings; ``running.py`` is the
entry point the command line, the pytest plugin and ``e2ekit.audit`` share.
"""
