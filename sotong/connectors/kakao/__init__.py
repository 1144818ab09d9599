"""KakaoTalk channel chatbot, through Kakao i Open Builder (챗봇 관리자센터) skills."""
