import pytest
from allauth.account.models import EmailAddress

from courses.models import Category, Course, Instructor, Section
from lessons.models import Lesson


@pytest.fixture
def api_user(student):
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    return student


@pytest.fixture
def tokens(client, api_user, password):
    response = client.post(
        "/api/v1/auth/token", {"email": api_user.email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def published_course(django_user_model):
    category = Category.objects.create(name="Part 107 prep", slug="part-107")
    teacher = django_user_model.objects.create_user(
        email="ivy@example.com", password="x" * 20, full_name="Ivy Instructor"
    )
    course = Course.objects.create(
        slug="part-107-ground-school",
        title="Part 107 Ground School",
        summary="Pass the FAA Remote Pilot exam.",
        category=category,
        price="149.00",
        status=Course.Status.PUBLISHED,
    )
    course.instructors.add(Instructor.objects.create(user=teacher, bio="Chief pilot."))
    section = Section.objects.create(course=course, title="Airspace", order=1)
    Lesson.objects.create(section=section, title="Class B airspace", slug="class-b", order=1, is_preview=True)
    return course


@pytest.fixture
def category_factory(published_course):
    """Enroll a user in n more published courses, each with a section and a lesson."""
    from enrollments.models import Enrollment

    counter = iter(range(1000))

    def make(user, n: int):
        for _ in range(n):
            index = next(counter)
            course = Course.objects.create(
                slug=f"extra-{index}",
                title=f"Extra {index}",
                summary="More.",
                category=published_course.category,
                status=Course.Status.PUBLISHED,
            )
            section = Section.objects.create(course=course, title="One", order=1)
            Lesson.objects.create(section=section, title=f"L{index}", slug=f"extra-lesson-{index}", order=1)
            Enrollment.objects.create(user=user, course=course, status=Enrollment.Status.ACTIVE)

    return make
