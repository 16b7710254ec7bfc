"""Development email: the console backend, readable.

Django's console backend prints the raw MIME message, whose text part is quoted-printable: a long
link is broken with "=" soft line breaks, so copying the first line of an email-confirmation link
gives a 404. This backend prints the headers a developer needs and the text body as the recipient
reads it (links whole, on one line), and says which other versions (the HTML) were sent.
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ReadableConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        lines = [
            f"Subject: {message.subject}",
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        if message.reply_to:
            lines.append(f"Reply-To: {', '.join(message.reply_to)}")
        lines += ["", message.body.rstrip("\n"), ""]
        for alternative in getattr(message, "alternatives", []):
            lines.append(f"[also sent: a {alternative.mimetype} version, {len(alternative.content):,} characters]")
        for attachment in message.attachments:
            name = getattr(attachment, "filename", None) or (attachment[0] if isinstance(attachment, tuple) else "")
            lines.append(f"[attached: {name}]")
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
