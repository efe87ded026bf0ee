from django.urls import path

from dudao.surveys.views import public as views_public

app_name = "surveys_public"

urlpatterns = [
    # /s/<token>/: the address behind a survey link's QR code; /s/<token>/<code>/ with a single-use code
    path("<str:token>/", views_public.SurveyAnswerView.as_view(), name="answer"),
    path("<str:token>/thanks/", views_public.SurveyThanksView.as_view(), name="thanks"),
    path("<str:token>/<str:code>/", views_public.SurveyAnswerView.as_view(), name="answer_code"),
]
