from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "auth_mail_request" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "purpose" VARCHAR(20) NOT NULL,
    "email" VARCHAR(320) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "auth_mail_request"."purpose" IS 'ACTIVATE: activate\nRESET: reset';
COMMENT ON TABLE "auth_mail_request" IS 'Forgot-password and resend-activation requests for the worker.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "auth_mail_request";"""


MODELS_STATE = (
    "eJztXetz4jgS/1dUfMpUESpDSDLLbl0VJMwttxvYSsju1S5bHmELUMVIrC2Hoebyv19Ltv"
    "GbV2LiMP4ywVK3Hr+WWt2tx3yrzLhBTLt2zRkjuqCcVZroW4XhGYEfKblVVMHzeZAnEwQe"
    "mYocO2Kq6VHikS0srAvIHmPTJpBkEFu36NyrrNJnBFl8gebEQga1XNYmap22EbWRLbhFDI"
    "RtdNKqovYHhJmBTtpV1PpQRTZHw8psiYIq7WFFcnFGZOUG16F2yiY51jNklBnkK/BamE0I"
    "snXMarJyh9F/HKIJPiFiSixowl9/VRwbfkEmV0l//w0/XXZb5n+rjCkxDfVbkWrUkNS6Rb"
    "AghoaF/II0yUe+zi1i27Ixkl4meWJjjmlKsSznSioVRQxSUB/PVRSpRrVEe2GZknD+qKli"
    "IwPIbb9K13zeNp10mfisaKWQRjBkTGfGAvr5Ukw5WzFQpvo9IYxYEgdIE5Yjh5JslTf4/N"
    "Hlwh6QeNIJEgwyxo4pgj5BA4K0iqb1+gPtvjPQtEpisPocoXHlJcHQkAMdmmorACayCac/"
    "1Ovn51f1s/PLTxeNq6uLT2efgFa1N5l19ew2JkDLLUph1v13tzdQIwdmkzvbZMKz4sECa4"
    "FIA/Sj4yYqhRvIEXRG0uUQ5YzJw/BYa/6PuHR8WawTj58QyCfQD4cQEHTQ6DNz6Q2MNdgP"
    "ured+0Hr9jdZ3cy2/zEVfq1BR+bUVeoylnpy+SEqrFUh6I/u4GckP9Gf/V5HwcttMbFUjQ"
    "Hd4E85VaVK5RrjCw0boTHsp/qoqUntS301oxMyf3jo3qTLO8wTk7bjUKMmOd+hlNdI9frn"
    "1t3JuSumsABUT58jgIY08bZ4hlhKOAFOuUCMH1OVlL8kRqH9DMsxnbBfyFIB3IV2YKaTFE"
    "A9G+XBK+Z9QhqkBpPcwovVihoeUNB36DERqvfXrfvr1k2nktQAJaabMA0rvXRQ5bAdYf1x"
    "gS1Di4xfmcPrPJayok1mzeqzeApmeKLQkd2QjQ7DnmKG++LYYID7E2qj6Z0NaIrtus5UfV"
    "X7dCdbMlsDv77y3WxQVn4aO0z5B0jVJP9p/KtSOG28zmYkM0zNJNDXU2ylA71iiGENTc0H"
    "5Tytwhn+qpmETcQUPs/rZ2sw/r1158JcP4vZej0vq+7mRY2JObbtBQcVMcX2dBecE4yvg/"
    "db2+ERxOsXF1sgDlSZiKu8KOJjatlCU187wB3lOkKsP55tM7qBKhNrlRfF2sR7QB1hKpHe"
    "DmmoioBWF3YS6f/c93sZi2KYKe7VU12g/yGT2oloy2shHlofRw41BWV2Tdb3FkukBCni0P"
    "ton9y2/hsXxPWv/XZ8LZUFtGNCsbiZMfI7zJklrO6IbHzew02Aleu1A/SVh/vOXRNJziG7"
    "7d907lqDPiRIYxTaxyG1dXPb7TURNmaUxaOwWy0C28yWNYtucs0FxIWTMlG2E0zAfUDRtK"
    "4H3d87uwrH5Woi9++QdXt+iv8LhPYw6Nw0kfozZO1Wryc/3b/FEBe1tSdiUSgvLXrMYZ5g"
    "lqHfopwxeY2ANS+BrVIOq8Xa/f6vES3W7saixL2H23YHVheFPxBREQkeB6gLLrAZ2r1JmS"
    "+ZYftU3s1R/NcC/yyvZdyN4tc/Nq4an84vG6vg/SplXcw+CXEZj8+G+njj8c7c2FPqUc5S"
    "6kWRuo9RSOyq9Ykod3b8MKQUXK0JYh4tU5Y7j/vzL3fExP6uenq4NrpN/86GQlbQNqpA16"
    "1OJVQRm9ePvb4Ip5YjpvduSccKFGdEk+pTE/yRvBSvPiMDKGsgizomwPLc7giPsZRdj9gQ"
    "3LD5YYcoNx49aiGbThgxTilDBnmiOmnKIz3IImNYCKanakQA84yayxq6I0/8EdBDVKBHap"
    "o2/LAR1nWoErmDB/7watyJyqmaIRsRHYMjjgj4PMsIBZIYuoweIOjkyxebGl++uCebXC9J"
    "V6MZ6VOiP0rqrHNLWx5TsmTLXXOl3AB6txtApZOyD+AFN0+TXgnMTgrF7SHmKGcp5kKLOa"
    "STdxRzlPMVxOxpy1LK+UkZFLDtGj/b7r0lOfcKchdMttEIdWObCHUjO0LdSESoyxOB5YnA"
    "tz69tvFE4DbBJ88FeRXf984tq/R9d/B9bzE17wj03xaVFN83nF3d6PvKg1igyAPyjQ4wzK"
    "kJF6f+0SLlGoIMCTNOgY8+uf6hV6SNxtxC4BMioH0kVi3F0R3HCgSGzPLQAlMhHd1YsUM2"
    "ZIMpWZHNsZiihUUFURduEB9LavB7JR9mS7QgpnkKHzN5gccwpNNZRYupcl9lCxgXQCcdZO"
    "4wMWQwc6S3q+71gJNtcPiU9dsAvmqEwgEze0EsIGRBprR0EKGq4AVeohPGg2IJc2ZywKvj"
    "DUtJC537UEODVdeQyfmjW5fHhZx5FVHbdrwmqHlYRTqfzcB5r8o0QEMK1pYevBRzTX3VYA"
    "hQ8OI1wMiB9Vslgnf/o+qRUgZuifLKk+oCFm4f3LJV5xkfMg8wxB0hC3SDBh70W8YDyts/"
    "hbz9M3csWHf3Po8SYi/ymSz3zAMY4U3kqRgyZHcdoG4q1SOKcabhrY/VFsogz+VgbRm32s"
    "dKfxeu7g77qnkaa5HNnRRrLb75s8Fci248bbljEVhR0kbx7axTpem83YGqf5lZHhQnBnzC"
    "2DDJqSMLVME7+E4x3l616P13Efx1p7yPXFokpUWSn0WiZvTOt1CiXEd35eeysQXMl41MmG"
    "VWaZZ8J2ZJuZ323YkZ7JS9DnLa5Ubae5FvubGzQajlxk5hN3by9H4j2zsp3m98+2eD9xvZ"
    "edrO+e1gfeofmvPOucmXu1Yu6I9orjYb1KYClnfUDO+cndzjdiPbiyk3iX/WLuED51LDjq"
    "6wd2CvfJLrKF3g0usqva5CLEPHYq6V5vgRyze0Fu5gkUe5SqN8vVEeujHxQrv8OC8Lxc3z"
    "6OgqkoXed8SIf+08EZZ6mCicvdY+54pQIyvKPB8SK+3UQtqpSvg76t0wz2Hv3RRS50bCww"
    "oahcYOZn+Uq8h7Xnsa/rm8jPRErPQFLVN1hDgO92jFx3z1x6s9WsF13bGsvezsGGvpTBXa"
    "2J5b3HD0tAjtmkcJQzxHqJ8utlFPF9na6SKhnOSCmwQ4+8U2n/7wj7W9zazJ5Vm2uTMCpK"
    "Z76bA470ECBgUxcN6FCivI4cDfLC7v3xMj0/+KUVTXuWBzn3YHLyzyP5woNrkXId8HGI8J"
    "qAsxlXsZxJIPEMgDfN5NABimTXVTgBpkNueCMH2JLKJzy0hukORTxQu8xPflpxzD+wClK3"
    "M4VyZQA3ssXDHew1jfB42UvM/Xw7LejCvIQtYiFtWnaQuYl7N24cIBTWGiht9LyPCFLn+2"
    "ys+MqGTr++yQyjEo+1zeqZeTageEPfIjRDeXpRRqFJ4lva3vHWIp3e8d3e83Xcye/w8t4/"
    "+W"
)
