"""The pages' addresses. Sign-in and sign-out are Django's own views."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from pathways.web import (
    alert_views,
    casework_figure_views,
    casework_views,
    consent_views,
    custody_views,
    engagement_views,
    governance_job_views,
    governance_views,
    home_views,
    identification_views,
    linkage_views,
    outcome_views,
    referral_views,
    two_factor,
    views,
)
from pathways.web.signin import ThrottledSignInForm

urlpatterns: list[URLPattern] = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=ThrottledSignInForm
        ),
        name="login",
    ),
    path("account/two-factor/", two_factor.two_factor, name="two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home_views.home, name="home"),
    path("caseload/", home_views.caseload, name="caseload"),
    path("casework/due/", casework_views.due, name="casework-due"),
    path("casework/orders/<int:order_id>/", casework_views.order, name="casework-order"),
    path(
        "casework/orders/<int:order_id>/sessions/new/",
        casework_views.order_session,
        name="casework-session",
    ),
    path(
        "casework/orders/<int:order_id>/sessions/<int:session_id>/attendance/",
        casework_views.session_attendance,
        name="casework-session-attendance",
    ),
    path(
        "casework/orders/<int:order_id>/warnings/new/",
        casework_views.order_warning,
        name="casework-warning",
    ),
    path(
        "casework/orders/<int:order_id>/breaches/new/",
        casework_views.order_breach,
        name="casework-breach",
    ),
    path(
        "casework/orders/<int:order_id>/documents/<str:kind>/",
        casework_views.court_document_page,
        name="casework-document",
    ),
    path("casework/orders/<int:order_id>/plan/", casework_views.order_plan, name="casework-plan"),
    path(
        "casework/orders/<int:order_id>/reviews/<int:review_id>/",
        casework_views.order_review,
        name="casework-review",
    ),
    path(
        "casework/orders/<int:order_id>/assessments/<str:instrument>/",
        casework_views.order_assessment,
        name="casework-assessment",
    ),
    path(
        "casework/orders/<int:order_id>/steps/<str:step>/",
        casework_views.order_step,
        name="casework-order-step",
    ),
    path("casework/reports/<int:report_id>/", casework_views.report, name="casework-report"),
    path("casework/squads/", casework_views.squads, name="casework-squads"),
    path(
        "casework/squads/<str:project>/<str:on>/",
        casework_views.register,
        name="casework-register",
    ),
    path("people/", views.people_search, name="people-search"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/refer/", referral_views.new_referral, name="person-refer"),
    path("people/<int:person_id>/events.csv", views.person_events_csv, name="person-events-csv"),
    path("custody/", custody_views.visits, name="custody-visits"),
    path("custody/<int:visit_id>/", custody_views.visit, name="custody-visit"),
    path("custody/<int:visit_id>/correct/", custody_views.correct, name="custody-correct"),
    path("outcomes/", outcome_views.dashboard, name="outcomes"),
    path("outcomes/figures.csv", outcome_views.download, {"fmt": "csv"}, name="outcomes-csv"),
    path("outcomes/figures.xlsx", outcome_views.download, {"fmt": "xlsx"}, name="outcomes-xlsx"),
    path("outcomes/annual-report.pdf", outcome_views.annual_report, name="outcomes-annual"),
    path("outcomes/casework/", casework_figure_views.casework_figures, name="outcomes-casework"),
    path(
        "outcomes/casework/figures.csv",
        casework_figure_views.casework_download,
        {"fmt": "csv"},
        name="outcomes-casework-csv",
    ),
    path(
        "outcomes/casework/figures.xlsx",
        casework_figure_views.casework_download,
        {"fmt": "xlsx"},
        name="outcomes-casework-xlsx",
    ),
    path("alerts/", alert_views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/open/", alert_views.alert_open, name="alert-open"),
    path("referrals/", referral_views.inbox, name="referral-inbox"),
    path("referrals/<int:referral_id>/", referral_views.referral, name="referral"),
    path(
        "referrals/<int:referral_id>/engagement/start/",
        engagement_views.start,
        name="engagement-start",
    ),
    path(
        "referrals/<int:referral_id>/contacts/new/",
        engagement_views.contact,
        name="contact-new",
    ),
    path(
        "referrals/<int:referral_id>/contacts/<int:contact_id>/correct/",
        engagement_views.correct_contact,
        name="contact-correct",
    ),
    path(
        "referrals/<int:referral_id>/engagement/correct/",
        engagement_views.correct_dates,
        name="engagement-correct",
    ),
    path(
        "referrals/<int:referral_id>/engagement/end/", engagement_views.end, name="engagement-end"
    ),
    path(
        "referrals/<int:referral_id>/consent/",
        consent_views.consent_record,
        name="consent-record",
    ),
    path(
        "referrals/<int:referral_id>/consent/correct/",
        consent_views.consent_correct,
        name="consent-correct",
    ),
    path(
        "referrals/<int:referral_id>/consent/withdraw/",
        consent_views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("candidates/", identification_views.queue, name="candidate-queue"),
    path("candidates/<int:candidate_id>/", identification_views.candidate, name="candidate"),
    path(
        "candidates/<int:candidate_id>/dismiss/",
        identification_views.candidate_dismiss,
        name="candidate-dismiss",
    ),
    path(
        "candidates/<int:candidate_id>/refer/",
        identification_views.candidate_refer,
        name="candidate-refer",
    ),
    path("candidates/runs/", identification_views.runs, name="identification-runs"),
    path(
        "referrals/<int:referral_id>/<slug:action>/",
        referral_views.referral_step,
        name="referral-step",
    ),
    path("governance/agreements/", governance_views.agreements, name="agreements"),
    path("governance/jobs/", governance_job_views.jobs, name="governance-jobs"),
    path("governance/jobs/<int:job_id>/", governance_job_views.job, name="governance-job"),
    path(
        "governance/jobs/<int:job_id>/files/<str:name>",
        governance_job_views.job_download,
        name="governance-job-file",
    ),
    path("audit/", governance_views.audit_home, name="audit"),
    path("audit/people/<int:person_id>/", governance_views.audit_person, name="audit-person"),
    path("audit/users/<str:username>/", governance_views.audit_user, name="audit-user"),
    path("audit/unusual/", governance_views.audit_unusual, name="audit-unusual"),
    path("linkage/", linkage_views.queue, name="link-queue"),
    path("linkage/pairs/<int:review_id>/", linkage_views.pair, name="link-review"),
    path("linkage/pairs/<int:review_id>/decide/", linkage_views.pair_decide, name="link-decide"),
    path("linkage/people/<int:person_id>/", linkage_views.person_records, name="link-person"),
    path("linkage/people/<int:person_id>/split/", linkage_views.person_split, name="link-split"),
    path("linkage/changes/", linkage_views.changes, name="link-changes"),
    path("linkage/runs/", linkage_views.runs, name="link-runs"),
    path("linkage/changes/<int:change_id>/undo/", linkage_views.change_undo, name="link-undo"),
    path("linkage/duplicates/", linkage_views.duplicates, name="link-duplicates"),
    path(
        "linkage/duplicates/<str:agency>.csv",
        linkage_views.duplicates_csv,
        name="link-duplicates-csv",
    ),
    path(
        "linkage/duplicates/<str:agency>/sent/",
        linkage_views.duplicates_sent,
        name="link-duplicates-sent",
    ),
    path("imports/dates/", views.dates_out_of_order, name="dates-out-of-order"),
    path("imports/", views.import_runs, name="import-runs"),
    path("imports/<int:run_id>/", views.import_run, name="import-run"),
    path(
        "imports/<int:run_id>/rejected.csv",
        views.import_run_rejected_csv,
        name="import-run-rejected-csv",
    ),
]
