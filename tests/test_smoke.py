"""The app starts, a client logs in and reaches Home."""


def test_client_logs_in_and_sees_home(people, auth, client):
    response = auth.login("client")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "こまった" in page and "できた" in page
