"""E-mail for notifications (work in progress in this session)."""


def queue_immediate_emails(*, kind: str, key: str, recipient_ids: list[int]) -> None:
    return None
