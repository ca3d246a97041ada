"""factory-boy factories for the core models (units come from the seeded Ningbo tree)."""

import datetime as dt

import factory
from django.utils import timezone

from casewatch.core.choices import Role
from casewatch.core.models import Job, Staff, Unit, User
from casewatch.core.testing import PASSWORD


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.LEGAL_OFFICER
    unit = factory.LazyFunction(lambda: unit("330212-PSB-FZ"))
    scope = factory.LazyFunction(lambda: unit("330212-PSB"))
    must_change_password = False

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    staff_no = factory.Sequence(lambda n: f"F-{n:05d}")
    name = factory.Sequence(lambda n: f"测试人员{n}")
    unit = factory.LazyFunction(lambda: unit("330212-PSB-FZ"))
    id_number = "330212198807071357"
    phone = "13512345678"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = "core.selftest"
    actor = factory.SubFactory(UserFactory)
    unit = factory.LazyAttribute(lambda o: o.actor.unit if o.actor else None)
    params = factory.LazyFunction(lambda: {"steps": 1})


def token_expiry(days: int = 30):
    return timezone.now() + dt.timedelta(days=days)
