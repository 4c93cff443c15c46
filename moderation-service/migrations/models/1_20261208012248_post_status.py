from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "moderation" ADD "post_status_at" TIMESTAMPTZ;
        ALTER TABLE "moderation" ADD "post_status" VARCHAR(10);
        COMMENT ON COLUMN moderation."post_status" IS 'DRAFT: DRAFT\nPOSTED: POSTED\nARCHIVED: ARCHIVED';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "moderation" DROP COLUMN "post_status_at";
        ALTER TABLE "moderation" DROP COLUMN "post_status";"""


MODELS_STATE = (
    "eJztXetzmzoW/1c0/rLNTNpJnVc3s7MzTkxa77VN1ia9t/f6DoNBjpliyRWQNNPt/76SeA"
    "twAD+CXb4YkHSE/DvocF4SP1oLbEDLftdZLqFmta7AjxbSFpCeCDXHoKUtl1E5K3C0qRU2"
    "JZpjYqRqUfOp7RBNd2iDmWbZkBYZ0NaJuWQNGZkyh0BznTkm/7CBRwjwDGiAwAV+1KwrgB"
    "EES0iArtnwHevUwDrt1UQPFeldZH5zoergB+jMIaG9/PU3LTaRAb9DO7hcflVnJrSMBB6m"
    "wTrg5arzvORl9/e97i1vycY2VXVsuQsUtV4+09GhsLnrmsY7RsPqHiBioEEjBhByLcsHNS"
    "jyRkwLHOLCcKhGVGDAmeZaDObWv2Yu0hm6gN+J/Zz92x9arJmqDmVFHUuKqrZSXGFDEID2"
    "i3SMGEdN5DCgfvz0+o0A4aUtdoObT53Rm9OLIw4Btp0Hwis5XK2fnFBzNI+Ugx6h7PFTLQ"
    "d2gmiTmAcFK0AP8KoZwhGiCDswDaYCvzvZYAbtBRzpwDaDYCQMXhdCRfpDYT0vbPsbk3yt"
    "4efOiOM66PzBgV08+zV9efgxaI6pTPOk3vCmL18LYNuO5rh2Gu6buUYk5C445D06RA3pMA"
    "V9RL078FvynTQsKSM4zRVgvxP0cdQZKlL3CvgnE9SVhj1W4B1FsZ3NqNZC+65aED04c3r5"
    "/mQF4wI2vT85Ehji17R5VZIxOoEMOFVz0szp0hrHXMDs+ZCkFBhj+KTvgpM9nCMt+gcNGV"
    "nPvnhbNWd6A2msdAZ3iYnT7SgSq2knJk1Q+uZCYFPYCfi9p3wC7BL8KQ8lUZaF7ZQ/W2xM"
    "VMpjFeEnVTNikjgoDVBLcJ32hK3HSmwXSDfAd3/AdWH7nrA5wKQYn6fPZfQGgWwNzWF/eF"
    "tCc4ip9eX0sRThbvXgWgLL7IrZ15jOywqmmv71SSOGmqrBbZypH0fQphkiI6hg+pNSMgT4"
    "fctukOhqH9kQlUb3J9pTaLylH0R6Qv87dDylrDO+6XSl1s8EK5LIs6pFeyGWaEh74P+ajY"
    "+Nxse0yzs3bjByIB9Vyp4WWhwXtKu9URvsL4d0LxrY/k2A6dgAP1H+AhuSR1OHwO/uihrL"
    "/JTZjM5cc4BGiPkIbTCFM0wgLYPAvyW1sbkq5D8vCUt8WzeaoCcT2eANr/XLgGmz1vT4gC"
    "ilcZRn2P/V8jv0HnzvKeLX9Fn4ex2z/9p86KEc8ylT4Jkex+JzzH9cazvF6GDp4e0/2+3T"
    "08v2yenFh/Ozy8vzDycfaFs+3nTV5QrxeN372BsKFhQrWO0OEDlYxaoS+6izYdu6k8fKFW"
    "C/E3QjDwbSkF76JzWxpKJJVEIlSFJt10ezh6pWIN7L2ylJysY8rYvdkmeerqUHbk5RiSl/"
    "GUpKUjUsoqAU9/jrLiFMV4houXueee65u55CDDChysBiwZq9CX34oY4BF0fZwYDNdb2uOv"
    "GjFfGhRXtyoeEjCTXLOydwiYlDZ7LrKQe2TrUZdsK6owf4fUmfNJv+iZCbPpf8eRJM8hZv"
    "TJHnF1ysxG4e+RRf4eaRY36DnTI2rttlE+V51ShPo9Y1al29tY7NqHV1j2buIaSB9C8BaI"
    "ykcfEm0XRMxyoVHQ4JKonb/cFwK9HhmPOuKN4xkgbx8og/QmLztKTSdnWS8gDt6j2xowvF"
    "/7iEXy/3QuiixpOt1R11bqn6yA8TxJRKlm3hHSeITZreZ1YSnNVDwYwBXGE6pqmbiHydZy"
    "SezSCyzUeohq6FJLtvLazlvPMyaAVmzxjxYcncrnx/3ZfA3Ui66Y178jDJUl7JHTXfLNOL"
    "Xo6kTl/MPltqiwp4J8kaqItAPbWw/tUymVAqjXcGbQN6oee7/KPdAFwGYAM6mmll6FD/Gc"
    "vDvPhTSCK+kU3dAf8D7EHfFtIxX+jUNS3HRPY7dtvXcIcyiFbbL6KpIrx2WQei/cJjLtkq"
    "bX7qlVV3d2jx2J+gkxZTSldppSm11IC6aWemUxWzG+L0dca81bm7G8mfJWoWeCcTNJI+96"
    "Tfr4B3ZNcD3sA71sNqIFCzqzMnoq6zPSff3krDMbXU1Bt5qPDQQKpogob33Z7y5Qp4R8qt"
    "+740Vj/35H5HoeKesi1ZQFt06JtgQCv4cYLGdx16xX6r8LZdhLftfN62U7zdv8US1addN5"
    "x31ES/k4bd3vCjGkzA5DVbQNGXFIle/vde8ox7sSRsQx+P295oEGsTltSDyUw+GhUzW+KU"
    "jQeu1va+mFCQZHRutqRI9nLe5Kb4erItlcXLm2y/P7s8+3B6cRamS4Ylq7Ikg4zImCNlCZ"
    "HqwZQhKnOBFckaYEVgCXw04VPFtUEJ0sYTWWfJFE97EtK4MbaghnKi8DEygcFTSret2ROW"
    "7Jar17LcTzD0uidG1+4H1xJV3o+SToT0vIqy3UqgHRE1WJfAOki/qZ4+nN1DI9HqLNGatc"
    "z5SsJhJYvHue4ujYpcT1I2XK8L1zMmOx99iSUCMTWHu8EzTIRrn/D2txG0wlz9l5aEdvSq"
    "C0PrIehTS0MzrNU1wRrxTg4JolILTkQNOx/MYF3yy5BGm03tpXaRjWilVTn+/Fu5Nieao8"
    "W25oqav7hQhzECGW8xlalgbtoOJs/e1lpsPc0VeJpjYJgGPWrOMf2FKL0gp1oXL2/QlVgL"
    "klrgvct1Ic0yYFa3i2XA0aNbJVIQUdc7UjDs9L+MeaTAP2Mhuag0OvdDdZ1+PESQKopaxY"
    "IEqaIJyopQjKQ7eaSMVeXTSBp/kvucUijilFKn71Pys6BMDXeFSl6H9cEeUYlLtjaGR7tU"
    "L5bRZWtkEgWU/l75JI+iBsnrKjGP0yIxj9P8mMdpKuZBHzhM1lrclOyh1o/t+At92FhckR"
    "8naCB3pVFHkUdXIDydoPuxRAvYbz3iyh7AJRfmxGiahSRJPGcEL9bMwBa6qHPE/lcP6lJ7"
    "dT1eJzqotXj71VndJOAcbgLOTreG3Z/X3lZWojHbJo31irxav32TVLuaFRWSapv4Sb7E2U"
    "9PepH4ST13s6yvFCy7n2WxPSpvMYHmA/oNPqcUh23sUlkPeLeyT+XOtory9AH0AMmSmNmb"
    "WopNjgu6pB1KR4eRJHzZOQ3mmj1nzmSo6fPYtpEIk4VGX43QAKznYzDDhO8sabhLy9Tpc/"
    "OWPcn0foCteQPEtTI+K7H57je6m5Swp0gCOxtCvmJ9k/tHbaDLxqteT696szvNxt1gyflY"
    "dNWWQFZnh0jFtVsXZwWM14uzXOOVVWXnvq3jZm/2ENuoU73ZQ2wLIiV4AacQXW2qxsgO0E"
    "7dE7s0N52zRIrXNlV7P4UpQ6OPkpsKKfIkal5AfXdtyD7Z5hF5SSHC3qzRp9tYW6AhI7FJ"
    "a5bSvplOM1X1pEHr3QGStbeRb/YV3fS+onHWlIBbIGu+IFejENCutKsmBtTEgLa+/2MTeG"
    "gCD03gYb03UxN4+FUCD7LrTPF36THnS1rx6pV2CuYNVRi2fMlEyYd5w9+Pbnzdu/J1c+aX"
    "lL9xmuYLhol3mgdNvut1FaD74Gyt6OXeyg5l/k7UaaBzRUeMYnf7frzfrvzY3IYqOv9MUB"
    "UtXCA9QDV8T9TuXL9qYsNpgg1Xh6SMhIrTHKB8Oi8ins7zpdN5enuvvUlrfJ1Zs5UExqU7"
    "pUjNK8kwkXYnW33URMHZCxFWk9DQHcE6tG1o5NpfQovjVSbYMmhbwgpj37MGBD/xiA0nY4"
    "uGbQjgbAapuHDmph1+Z3iu2TzMYzr8a8MsK8s04GKJHYj0Z0CgjomRDhtt5xZrWIn7Zacc"
    "QsyoMWV2Z8pEYqDCi0ug3Y32vVNPyWH5wGvyIutAYurzrBeYX7PyxaVFbWrjNfxVXIZrmv"
    "z5Ij/Xo5Iv7/NdKocg7Nvn50Xiyufn+YFlVicssaeTqgTCfvMDRHcrr9Lcbwnm29753xJs"
    "zO+XzO9XfZn9/D/7he18"
)
