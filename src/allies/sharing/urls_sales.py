from django.urls import path

from allies.sharing import views_sales

urlpatterns = [
    path("", views_sales.sales_index, name="list"),
    path("export/", views_sales.sales_export, name="export"),
    path("upload/", views_sales.upload, name="upload"),
    path("uploads/", views_sales.uploads, name="uploads"),
    path("uploads/<int:pk>/", views_sales.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/progress/", views_sales.upload_progress, name="upload_progress"),
    path("sharing/", views_sales.sharing, name="sharing"),
]
