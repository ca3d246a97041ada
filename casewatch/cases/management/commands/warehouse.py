"""``casewatch warehouse {sync,rebuild,status}``: the warm analytics store (docs/performance.md)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "The warm analytics store: sync what changed, rebuild it from the registry, or show its state."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync", "rebuild", "status"])

    def handle(self, *args, action, **opts):
        from casewatch.analytics.store import StoreError
        from casewatch.cases import warehouse

        try:
            if action == "rebuild":
                result = warehouse.rebuild()
                total = sum(result["rows"].values())
                self.stdout.write(f"rebuilt {warehouse.path()}: {total:,} rows in {result['seconds']:.2f} s")
                self._derived(result)
            elif action == "sync":
                result = warehouse.sync()
                if result.get("rebuilt"):
                    self.stdout.write(f"no store yet: built it in {result['seconds']:.2f} s")
                    return
                changes = ", ".join(f"{k} +{u:,}/-{d:,}" for k, (u, d) in result["applied"].items())
                self.stdout.write(f"synced in {result['seconds']:.2f} s: {changes or 'nothing changed'}")
                self._derived(result)
            else:
                info = warehouse.status()
                self.stdout.write(
                    f"{info['path']} · {info['bytes'] / 2**20:,.1f} MiB · mirrors {info['source']}"
                )
                for name, row in info["tables"].items():
                    self.stdout.write(
                        f"  {name:26} {row['rows'] or 0:>12,} rows · watermark {row['watermark']} · "
                        f"synced {row['synced_at']} ({row['how']})"
                    )
        except StoreError as exc:
            raise CommandError(str(exc)) from exc

    def _derived(self, result):
        """The derived state tables computed in the new generation (how and how long)."""
        for name, r in (result.get("derived") or {}).items():
            rows = f", {r['rows']:,} rows" if "rows" in r else ""
            self.stdout.write(f"  derived {name:18} {r['how']:12} {r['seconds']:.3f} s{rows}")
