from django.urls import path

from cmeledger.front import direct_credit_views as views

urlpatterns = [
    path("direct-credit/", views.direct_credit, name="direct-credit"),
    path("direct-credit/new/", views.direct_credit_new, name="direct-credit-new"),
    path("direct-credit/<uuid:pk>/", views.direct_credit_detail, name="direct-credit-detail"),
    path(
        "direct-credit/<uuid:pk>/withdraw/",
        views.direct_credit_withdraw,
        name="direct-credit-withdraw",
    ),
    path("board/direct-credit/", views.board_direct_credit, name="board-direct-credit"),
    path(
        "board/direct-credit/<uuid:pk>/",
        views.board_direct_credit_detail,
        name="board-direct-credit-detail",
    ),
    path(
        "board/direct-credit/<uuid:pk>/approve/",
        views.board_direct_credit_approve,
        name="board-direct-credit-approve",
    ),
    path(
        "board/direct-credit/<uuid:pk>/decline/",
        views.board_direct_credit_decline,
        name="board-direct-credit-decline",
    ),
    path(
        "board/direct-credit/<uuid:pk>/evidence/<uuid:certificate_pk>/",
        views.board_direct_credit_evidence,
        name="board-direct-credit-evidence",
    ),
]
