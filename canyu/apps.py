from django.apps import AppConfig


class CanyuConfig(AppConfig):
    name = "canyu"
    verbose_name = "Canyu"

    def ready(self):
        from celery import signals

        from canyu import outages

        signals.task_failure.connect(outages.reconnect_after_stale_plan, dispatch_uid="canyu.outages.stale_plan")
