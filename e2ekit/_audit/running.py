"""Running an audit: the one entry point the command line, the pytest plugin and ``e2ekit.audit`` share.

``prepare_audit`` loads and starts the app (an app that cannot start is bad input, found before any browser),
reads its CORS configuration, plans the hostile origins and takes the header-level view; ``run_audit`` then runs
the plan in every engine side by side, and ``audit_in_engine`` in one engine already launched (a pytest test's).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from e2ekit._audit.engine_audit import EngineAudit, audit_engine
from e2ekit._audit.header_view import HeaderView, header_views
from e2ekit._audit.judging import judge
from e2ekit._audit.plan import AuditOptions, AuditPlan, plan_audit
from e2ekit._audit.result import AuditResult, EngineSummary
from e2ekit._engines.selection import EngineSpec, parse_engine_specs
from e2ekit._engines.worker import EngineWorker
from e2ekit._errors import EngineConfigError, EngineInterrupted, EngineUnavailable
from e2ekit._frameworks.detection import RESPONSE_HEADERS, CorsSetup, detect
from e2ekit._probing.runs import run_in_engines
from e2ekit._probing.session import Session
from e2ekit._serving.apps import default_path
from e2ekit._serving.topology import Topology

__all__ = ["PreparedAudit", "audit", "audit_in_engine", "prepare_audit", "run_audit", "run_audits"]


@dataclass(frozen=True)
class PreparedAudit:
    """An audit ready to run: the app served on the topology, its CORS setup, the plan and the header-level view."""

    topology: Topology
    app: object
    setup: CorsSetup
    plan: AuditPlan
    views: Mapping[tuple[int, str], HeaderView]


def prepare_audit(topology: Topology, app: object, options: AuditOptions) -> PreparedAudit:
    """Serve and start ``app`` on ``topology``, read its CORS setup, plan the audit and take the header-level view;
    UsageError for bad input (an app that cannot start included), before any browser runs."""
    served = topology.app(app)
    topology.start_app(served)
    setup = detect(served)
    known = setup.framework is not RESPONSE_HEADERS and setup.policy.installed
    plan = plan_audit(options, setup.policy if known else None, topology.target, default_path=default_path(served))
    return PreparedAudit(topology, app, setup, plan, header_views(topology, app, plan))


def run_audit(prepared: PreparedAudit, specs: Sequence[EngineSpec]) -> AuditResult:
    """Run the prepared audit in each engine of ``specs``, side by side."""
    return run_audits([prepared], specs)[0]


def run_audits(prepared: Sequence[PreparedAudit], specs: Sequence[EngineSpec]) -> list[AuditResult]:
    """Run several prepared audits (on one topology) in each engine of ``specs``, each engine launched once and
    each audit in a session of its own, so that no cookie of one reaches another."""
    topology = prepared[0].topology

    def job(new_session: Callable[[], Session]) -> list[EngineAudit]:
        audits = []
        for item in prepared:
            with new_session() as session:
                audits.append(audit_engine(session, item.app, item.plan))
            if audits[-1].interrupted:
                break
        return audits

    runs = run_in_engines(specs, job, topology=topology)
    unavailable = {
        str(run.spec): str(run.error) for run in runs if isinstance(run.error, (EngineUnavailable, EngineConfigError))
    }
    interrupted = any(isinstance(run.error, EngineInterrupted) for run in runs)
    failed = {
        str(run.spec): str(run.error)
        for run in runs
        if run.error is not None and str(run.spec) not in unavailable and not isinstance(run.error, EngineInterrupted)
    }
    results = []
    for index, item in enumerate(prepared):
        audits = [run.value[index] for run in runs if run.value is not None and index < len(run.value)]
        stopped = interrupted or any(run.value is not None and len(run.value) <= index for run in runs)
        results.append(_result(item, audits, unavailable, failed, stopped))
    return results


def audit_in_engine(worker: EngineWorker, topology: Topology, app: object, options: AuditOptions) -> AuditResult:
    """The audit in one engine already launched, on ``topology`` (a pytest test's engine and origins)."""
    prepared = prepare_audit(topology, app, options)
    with Session(worker, topology) as session:
        engine_audit = audit_engine(session, app, prepared.plan)
    return _result(prepared, [engine_audit], {}, {}, False)


def audit(
    app: object,
    origins: Sequence[str],
    *,
    target_origin: str | None = None,
    paths: Sequence[str] = (),
    methods: Sequence[str] = (),
    headers: Sequence[tuple[str, str]] | Mapping[str, str] = (),
    visits: Sequence[str] = (),
    private: bool = False,
    categories: Collection[str] | None = None,
    browsers: Sequence[str] = (),
) -> AuditResult:
    """Audit ``app``'s CORS policy against hostile origins in real browsers.

    ``origins`` are the origins meant to have access; every other origin is hostile. The app (an app object, an
    import string or a running server's URL) is served on ``target_origin`` (default: an https origin on the first
    allowed origin's site); each engine first loads ``visits`` on it (a login, so that real cookies exist), then
    opens an attacker's page on each hostile origin and tries reads of each of ``paths`` with and without
    credentials, a preflighted read, and a state-changing request for each of ``methods`` other than GET.
    ``headers`` go with every request; ``private`` makes a read without credentials critical (data protected by
    network position); ``categories`` limits the hostile origins to those categories; ``browsers`` are engine specs
    (default: every engine installed).
    """
    options = AuditOptions(origins, target_origin, paths, methods, headers, visits, private, categories)
    specs = parse_engine_specs(list(browsers) or ["all"])
    with Topology() as topology:
        return run_audit(prepare_audit(topology, app, options), specs)


def _result(
    prepared: PreparedAudit,
    audits: Sequence[EngineAudit],
    unavailable: dict[str, str],
    failed: dict[str, str],
    interrupted: bool,
) -> AuditResult:
    plan = prepared.plan
    judgement = judge(plan, audits, prepared.views, prepared.setup)
    failed = {**failed, **{audit.engine: audit.failure for audit in audits if audit.failure is not None}}
    return AuditResult(
        allowed=plan.allowed,
        target=str(plan.target),
        framework=prepared.setup.framework.name,
        hostile=tuple(case.hostile for case in plan.cases),
        findings=judgement.findings,
        skipped=judgement.skipped,
        engines=tuple(_summary(audit, len(plan.cases) * len(plan.attempts)) for audit in audits),
        engines_unavailable=unavailable,
        engine_errors=failed,
        interrupted=interrupted or any(audit.interrupted for audit in audits),
    )


def _summary(audit: EngineAudit, planned: int) -> EngineSummary:
    tried = sum(outcome.skip is None for outcome in audit.outcomes)
    return EngineSummary(audit.engine, audit.info.version, audit.info.backend, tried, planned - tried)
