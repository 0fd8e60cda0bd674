"""What `gnlc demo` and `gnlc demo-code` share about demo accounts.

A demo account is recognised by three marks together: its address is at DEMO_DOMAIN, its
authenticator device is named DEMO_DEVICE (the setup page names a real one "default"),
and it still has the published DEMO_PASSWORD. Such an account's password is public by
design, so printing its second-factor code gives nothing away; an account that lost any
of the marks (a changed password, say) gets no code.

(`gnlc demo` runs each app's `demo.py` but this one: it is not content.)
"""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts import security
from gnlc.accounts.models import User

DEMO_PASSWORD = "learning-cities-demo"  # noqa: S105 (published: development only)
DEMO_DOMAIN = "demo.gnlc.org"
DEMO_DEVICE = "demo"


def demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").prefetch_related("roles")


def pair_devices() -> int:
    """Give every demo account whose roles need a second factor (the secretariat, every
    juror) a paired authenticator, so the demo can be clicked through without a phone.
    Returns how many were made."""
    made = 0
    for user in demo_users():
        if any(role.kind in security.TWO_FACTOR_ROLES for role in user.roles.all()):
            _device, created = TOTPDevice.objects.get_or_create(
                user=user, name=DEMO_DEVICE, defaults={"confirmed": True}
            )
            made += created
    return made


def demo_devices():
    """(email, device) of every demo account that keeps all three marks."""
    devices = TOTPDevice.objects.filter(
        name=DEMO_DEVICE, confirmed=True, user__email__endswith=f"@{DEMO_DOMAIN}"
    ).select_related("user")
    for device in devices.order_by("user__email"):
        if device.user.check_password(DEMO_PASSWORD):
            yield device.user.email, device


def current_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
