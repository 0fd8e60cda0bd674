from django.contrib import admin

from gnlc.news.models import Announcement, Delivery, MediaLogo, Post, PressContact, Subscriber


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "published_at"]
    list_filter = ["language", "regions"]
    search_fields = ["title", "body"]
    readonly_fields = ["published_at", "created_by", "created_at", "updated_at"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["cohort", "language", "status", "title"]
    list_filter = ["language", "status"]
    readonly_fields = ["status", "post", "figures", "figures_computed_at", "created_by"]


@admin.register(PressContact)
class PressContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "email", "phone", "order"]


@admin.register(MediaLogo)
class MediaLogoAdmin(admin.ModelAdmin):
    list_display = ["title", "content_type", "created_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    readonly_fields = ["status", "confirmed_at", "unsubscribed_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["post", "subscriber", "sent_at"]
