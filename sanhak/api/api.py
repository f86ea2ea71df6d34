from ninja import NinjaAPI

api = NinjaAPI(title="sanhak API", version="1.0")
