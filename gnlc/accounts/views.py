from django.contrib.auth import views as auth_views
from django.shortcuts import render

from gnlc.accounts.forms import EmailAuthenticationForm
from gnlc.core.permissions import permission_required


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log-out is a POST (Django 5 refuses GET), so a link cannot log anyone out."""


@permission_required("accounts.view_dashboard")
def dashboard(request):
    roles = request.user.roles.select_related("country", "member", "member__country")
    return render(request, "accounts/dashboard.html", {"roles": roles})
