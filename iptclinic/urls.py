from django.urls import include, path

from iptclinic.portal.views import home

urlpatterns = [
    path("", home, name="home"),
    # Public on purpose: the load balancer's check (operations.health); it says nothing about anyone.
    path("", include("iptclinic.operations.urls")),
    path("accounts/", include("iptclinic.accounts.urls")),
    # Passkey ceremonies (django-otp-webauthn), under the second-factor pages the middleware opens.
    path("accounts/second-factor/passkeys/", include("iptclinic.accounts.passkeys")),
    path("clients/", include("iptclinic.clients.urls")),
    path("portal/", include("iptclinic.portal.urls")),
    path("reports/", include("iptclinic.reports.urls")),
    path("service/", include("iptclinic.service.urls")),
    path("retention/", include("iptclinic.retention.urls")),
    path("attention/", include("iptclinic.attention.urls")),
    path("audit/", include("iptclinic.audit.urls")),
    path("messages/", include("iptclinic.notifications.urls")),
    path("team/people/", include("iptclinic.accounts.people.urls")),
    path("history/", include("iptclinic.history.urls")),
    path("supervision/", include("iptclinic.supervision.urls")),
    path("groups/", include("iptclinic.groups.urls")),
    path("", include("iptclinic.courses.urls")),
    path("", include("iptclinic.inventory.urls")),
    path("", include("iptclinic.measures.urls")),
    path("", include("iptclinic.endings.urls")),
    path("", include("iptclinic.fidelity.urls")),
    path("", include("iptclinic.eating.urls")),
    path("", include("iptclinic.letters.urls")),
    path("", include("iptclinic.subject_access.urls")),
]
