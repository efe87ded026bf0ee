from django.urls import path

from dudao.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.StatisticsYearListView.as_view(), name="year_list"),
    path("add/", views.StatisticsYearAddView.as_view(), name="year_add"),
    path("rollup/", views.RollupView.as_view(), name="rollup"),
    path("standards/", views.BalanceStandardView.as_view(), name="standards"),
    path("offices/<int:office_id>/trends/", views.CountyTrendsView.as_view(), name="trends"),
    path("<int:pk>/", views.StatisticsYearDetailView.as_view(), name="year_detail"),
    path("<int:pk>/import/", views.SchoolReturnImportView.as_view(), name="year_import"),
    path("<int:pk>/analysis/", views.StatisticsYearAnalysisView.as_view(), name="year_analysis"),
    path("<int:pk>/transition/<str:name>/", views.StatisticsYearTransitionView.as_view(), name="year_transition"),
    path("<int:year>/returns/add/", views.SchoolReturnEditView.as_view(), name="return_add"),
    path("returns/", views.SchoolReturnListView.as_view(), name="return_list"),
    path("returns/<int:pk>/", views.SchoolReturnDetailView.as_view(), name="return_detail"),
    path("returns/<int:pk>/edit/", views.SchoolReturnEditView.as_view(), name="return_edit"),
]
