"""SMS / LMS and KakaoTalk AlimTalk (알림톡) to residents' mobile phones through NHN Cloud Notification."""
