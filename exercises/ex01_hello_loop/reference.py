import asyncio


async def hello_world(delay: float = 1.0) -> None:
    print("Hello")
    await asyncio.sleep(delay)
    print("World")


def main() -> None:
    asyncio.run(hello_world())


if __name__ == "__main__":
    main()
