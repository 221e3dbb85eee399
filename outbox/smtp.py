"""Django's SMTP backend, telling a failure before the data phase from one after it.

smtplib raises the same errors whether a message was refused, never handed
over, or handed over and its 250 lost to a timeout. Only the last one may have
been delivered: ``MaybeDelivered`` says so (a reply heard after the data,
such as a 554, is a refusal, not a doubt), and outbox.mailing does not send
such a mail again.
"""

import smtplib

from django.core.mail.backends import smtp


class MaybeDelivered(Exception):
    """The final "." of the message was sent; the server's answer was not heard."""


class _Tracking(smtplib.SMTP):
    # smtplib's data() sends "DATA" through putcmd (a str), waits for 354, then
    # the message ending in "\r\n.\r\n" as bytes: from that moment the server may have it.
    in_data = False
    message_sent = False

    def data(self, msg):
        self.in_data = True
        try:
            return super().data(msg)
        finally:
            self.in_data = False

    def send(self, s):
        if self.in_data and isinstance(s, bytes):
            self.message_sent = True
        return super().send(s)


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTP_SSL(_Tracking, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        if isinstance(self.connection, _Tracking):
            self.connection.message_sent = False
        try:
            return super()._send(email_message)  # type: ignore[misc]  # private in Django, so not in the stubs
        except smtplib.SMTPResponseException:
            raise  # the server answered (a refusal): it did not take the message
        except Exception as error:
            if getattr(self.connection, "message_sent", False):
                raise MaybeDelivered(str(error)) from error
            raise
