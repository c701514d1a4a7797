"""A conformance table across Python web frameworks: the corpus's CORS policies, translated to each framework's own
configuration, run in real browsers, and where the frameworks' answers differ for the same policy.

- ``policy``: a scenario's CORSMiddleware arguments with every default made explicit (``Policy``);
- ``apps``: one builder per framework, turning a policy into an app that serves the corpus's endpoints;
- ``run``: the runner (every policy, framework and engine) and its command line, ``python -m conformance``;
- ``records``: what one probe gave for one framework in one engine;
- ``differences``: the departures from Starlette, the reference, and each framework's summary of them;
- ``table``: the rows and cells every report shows;
- ``report``: the terminal table, report.json, report.html and the measured section of docs/conformance.md.
"""
