import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError


@pytest.mark.django_db
def test_email_is_the_login_and_case_does_not_matter(student, password):
    assert authenticate(email="SAM.Student@Example.com", password=password) == student
    assert student.get_full_name() == "Sam Student"


@pytest.mark.django_db
def test_the_same_email_in_another_case_cannot_make_a_second_account(django_user_model, student):
    with pytest.raises(IntegrityError):
        django_user_model.objects.create(email="Sam.Student@EXAMPLE.com", full_name="Impostor")


@pytest.mark.django_db
def test_superuser_is_staff(django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="root@example.com", password="x-very-long-pass", full_name="Root"
    )
    assert admin.is_staff and admin.is_superuser
