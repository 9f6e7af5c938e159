"""Database routing: models without a table of their own (permission carriers such as
`reporting.AreaReport`) are never read or written, so `dumpdata`, `flush` and friends pass them by."""


class TablelessModelsRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        model = hints.get("model")
        if model is not None and not model._meta.managed and not model._meta.proxy:
            return False
        return None
