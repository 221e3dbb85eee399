"""Words Django and allauth show on our pages that their Chinese catalogues leave in English.

Our catalogue (LOCALE_PATHS, locale/zh_Hans) is read before theirs, so a msgid listed here, with
its translation there, is what a Chinese page shows: 邮箱 rather than "Email地址", the admin's
screen-reader table headings in Chinese. gettext_noop marks them for `make messages`, which would
otherwise drop them from our catalogue as unused. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

ALLAUTH = [
    # The sign-in form.
    gettext_noop("Username or email"),
    # The e-mail addresses page and its messages.
    gettext_noop("Email Addresses"),
    gettext_noop("Email Address"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop("Current email"),
    gettext_noop("Change Email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop("Verify Your Email Address"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Email Confirmation"),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Your account has no verified email address."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Bad Token"),
]

DJANGO = [
    # Django's form error, with "Email" in its Chinese.
    gettext_noop("Enter a valid email address."),
]

DJANGO_ADMIN = [
    # The headings of the admin index's tables, read by screen readers (Django 5.2 has no Chinese for them).
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
