#!/usr/bin/env python3
"""Generate a synthetic corpus in graphkb's real layouts, at a target size, deterministic from a seed.

    python benchmarks/generate.py --size-mb 10 --out benchmarks/data/10mb [--seed 7]

Posts average about 1.1 KB (the size of a listing excerpt), so 10 MB is ~9k posts and 100 MB ~90k.
The text is written from a phrase bank and the labels of graphkb's own concept base, so concept
density is realistic (a label every ~40 characters, a third of them Latin terms next to Han text),
with LaTeX, code blocks, 《》 citations of other generated posts (exact, abbreviated, with a stale
series number), of posts that are missing, of papers and books, archive URLs, and arXiv links.
Layouts: 45 % listing dumps (60 posts per file), 35 % one post per file, 20 % JSON Lines.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil

FILLER = [
    "我们先来回顾一下基本的设定", "这一步的推导其实并不复杂", "读者可以自行验证这个结论", "从直观上看这是很合理的",
    "这里有一个容易被忽略的细节", "实验结果也支持这个判断", "当然这只是一个粗糙的近似", "换句话说两者本质上是等价的",
    "下面我们给出一个具体的例子", "这正是本文想要强调的地方", "不过事情并没有这么简单", "这个想法最早可以追溯到很多年前",
    "为了简单起见我们只考虑一维的情形", "如果把这个过程看成一个优化问题", "于是问题就转化为如何估计这个量",
    "结果出乎意料地好", "这也解释了为什么它在实践中如此有效", "笔者在实验中也观察到了类似的现象",
    "很多读者问到了这个问题", "所以我们需要一个更一般的框架", "这样一来计算量就大大减少了", "最终的形式非常简洁",
]
TEMPLATES = [
    "{c0}是{c1}的一个重要特例", "本文介绍{c0}的基本思想", "{c0}与{c1}之间存在紧密的联系", "用{c0}来改进{c1}",
    "我们用{c0}实现了{c1}", "{c0}在{c1}中扮演着关键角色", "与{c0}不同,{c1}不需要额外的假设", "从{c0}的角度重新理解{c1}",
    "{c0}(又称{c1})在很多任务上都有应用", "{c0}的收敛性依赖于{c1}",
]
LATEX = ["$\\mathbb{E}_{x\\sim p(x)}[f(x)]$", "$$\\mathcal{L}(\\theta)=-\\sum_i \\log p(y_i|x_i;\\theta)$$",
         "$\\nabla_\\theta \\mathcal{L}$", "\\begin{equation}q(z|x)=\\mathcal{N}(z;\\mu,\\sigma^2)\\end{equation}",
         "$W\\in\\mathbb{R}^{n\\times m}$", "$\\text{softmax}(QK^{\\top}/\\sqrt{d})V$"]
SERIES_SUFFIX = ["漫谈", "小记", "笔记", "杂谈", "随笔", "探索", "之路", "浅析", "拾遗", "札记"]
TOPIC_WORDS = ["收敛", "推导", "实现", "直观", "几何", "误差", "稳定", "初始化", "复现", "调参", "近似", "证明", "对偶",
               "极限", "采样", "估计", "泛化", "效率", "并行", "精度", "尺度", "外推", "统一", "视角", "性质", "边界",
               "下界", "上界", "加速", "正则", "方差", "偏差", "噪声", "鲁棒", "稀疏", "低秩", "谱", "等价", "变换", "技巧"]
CN_NUM = "一二三四五六七八九十"
PAPERS = ["Attention Is All You Need", "Auto-Encoding Variational Bayes", "Generative Adversarial Nets",
          "Adam: A Method for Stochastic Optimization", "Deep Residual Learning for Image Recognition",
          "Density estimation using Real NVP", "Denoising Diffusion Probabilistic Models"]
BOOKS = ["深度学习", "统计学习方法", "数学分析新讲", "费曼物理学讲义", "线性代数应该这样学"]
HOST = "https://blog.example.org/archives/"


def _cn(n: int) -> str:
    return CN_NUM[n - 1] if n <= 10 else "十" + CN_NUM[n - 11]


def concept_labels() -> list[str]:
    """Labels of the bundled concept base (falls back to a small list when it cannot be loaded)."""
    try:
        import rdflib
        from rdflib.namespace import SKOS

        here = os.path.dirname(os.path.abspath(__file__))
        onto = os.path.join(here, "..", "ontology")
        files = [os.path.join(onto, "concepts.ttl")]
        if not os.path.exists(files[0]):
            parts = os.path.join(onto, "parts")
            files = [os.path.join(parts, f) for f in sorted(os.listdir(parts)) if f.endswith(".ttl")]
        g = rdflib.Graph()
        for f in files:
            g.parse(f)
        labels = sorted({str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in g.objects(None, p)})
        if len(labels) > 100:
            return labels
    except Exception:  # noqa: BLE001 - a benchmark falls back rather than fails
        pass
    return ["条件随机场", "CRF", "生成对抗网络", "GAN", "WGAN-GP", "流模型", "flow", "变分自编码器", "VAE", "Word2Vec",
            "注意力机制", "attention", "Transformer", "随机梯度下降", "SGD", "Adam", "KL散度", "互信息", "熵", "梯度", "矩阵"]


class Corpus:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.labels = concept_labels()
        self.posts: list[dict] = []
        self.open_series: list[dict] = []

    def title(self, i: int) -> tuple[str, str | None, int | None]:
        """Titles as diverse as a real archive's; a series numbers its posts 1, 2, 3... once each."""
        r = self.rng
        a, b, w = r.choice(self.labels), r.choice(self.labels), r.choice(TOPIC_WORDS)
        if r.random() < 0.35:
            if not self.open_series or r.random() < 0.3:
                self.open_series.append({"name": f"{r.choice(self.labels)}{r.choice(SERIES_SUFFIX)}", "next": 1})
            s = r.choice(self.open_series[-40:])
            n = s["next"]
            s["next"] += 1
            if n >= 12:
                self.open_series.remove(s)
            if r.random() < 0.5:
                return f"【{s['name']}】{n}. {a}的{w}", s["name"], n
            return f"{s['name']}({_cn(n)}):从{a}到{b}", s["name"], n
        return r.choice([f"从{a}到{b}:{w}的一个推导", f"{a}的{w}", f"浅谈{a}与{b}的{w}", f"{a}:{w}与实现",
                         f"再论{a}的{w}({i})", f"{a}、{b}与{w}"]), None, None

    def sentence(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.55:
            t = r.choice(TEMPLATES)
            return t.format(c0=r.choice(self.labels), c1=r.choice(self.labels))
        if x < 0.7 and self.posts:
            p = r.choice(self.posts)
            t = p["title"]
            y = r.random()
            if y < 0.15 and p.get("series"):
                t = t.split("】", 1)[-1] if "】" in t else t  # abbreviated: series prefix dropped
            elif y < 0.25:
                t = t.replace(":", ":").replace("(", "(").replace(")", ")")  # full-width punctuation
            if r.random() < 0.1:
                return f"详细的推导请看{HOST}{p['id']}"
            return f"在之前的文章《{t}》中我们已经讨论过{r.choice(self.labels)}"
        if x < 0.75:
            missing = f"{r.choice(self.labels)}{r.choice(SERIES_SUFFIX)}({_cn(r.randint(1, 12))}):{r.choice(self.labels)}的{r.choice(TOPIC_WORDS)}"
            return f"笔者之前写的《{missing}》还没有整理出来"
        if x < 0.8:
            return f"论文《{r.choice(PAPERS)}》给出了另一种证明,见 https://arxiv.org/abs/{r.randint(1500, 2400)}.{r.randint(10000, 19999)}"
        if x < 0.83:
            return f"推荐阅读《{r.choice(BOOKS)}》这本书的第{r.randint(1, 12)}章"
        if x < 0.9:
            return f"其中{r.choice(LATEX)}是关键"
        return r.choice(FILLER)

    def body(self, target: int) -> str:
        parts, size = [], 0
        while size < target:
            para = "。".join(self.sentence() for _ in range(self.rng.randint(2, 5))) + "。"
            if self.rng.random() < 0.03:
                para += "\n```python\nimport numpy as np\nx = np.random.randn(10)  # tensorflow flow GAN\n```"
            parts.append(para)
            size += len(para.encode("utf-8"))
        return "\n".join(parts)

    def make(self, i: int) -> dict:
        title, series, pos = self.title(i)
        y, m, d = self.rng.randint(2009, 2025), self.rng.randint(1, 12), self.rng.randint(1, 28)
        post = {"id": 10000 + i, "title": title, "date": f"{y}-{m:02d}-{d:02d}", "readers": self.rng.randint(500, 300000),
                "body": self.body(int(self.rng.lognormvariate(6.7, 0.5))), "series": series}
        self.posts.append(post)
        return post


def generate(out: str, size_mb: float, seed: int = 7) -> dict:
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "posts"))
    c = Corpus(seed)
    target = int(size_mb * 1024 * 1024)
    written = n = 0
    listing: list[dict] = []
    jsonl: list[dict] = []
    files = 0

    def flush_listing():
        nonlocal files
        if not listing:
            return
        lines = []
        for p in listing:
            body = p["body"].split("\n")
            lines += [p["title"], f"By 林小白 | {p['date']} | {p['readers']}位读者 | 引用{body[0]}"] + body[1:]
        lines += ["最近评论", "读者甲: 写得好"]
        with open(os.path.join(out, f"listing_{files:05d}.txt"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        files += 1
        listing.clear()

    def flush_jsonl():
        nonlocal files
        if not jsonl:
            return
        with open(os.path.join(out, f"posts_{files:05d}.jsonl"), "w", encoding="utf-8") as fh:
            for p in jsonl:
                fh.write(json.dumps({"title": p["title"], "date": p["date"], "body": p["body"], "readers": p["readers"],
                                     "url": f"{HOST}{p['id']}", "author": "林小白"}, ensure_ascii=False) + "\n")
        files += 1
        jsonl.clear()

    while written < target:
        p = c.make(n)
        n += 1
        x = c.rng.random()
        if x < 0.45:
            listing.append(p)
            if len(listing) >= 60:
                flush_listing()
        elif x < 0.8:
            with open(os.path.join(out, "posts", f"{p['id']}.md"), "w", encoding="utf-8") as fh:
                fh.write(f"{p['title']}\nBy 林小白 | {p['date']} | {p['readers']}位读者 | \n\n{p['body']}\n")
        else:
            jsonl.append(p)
            if len(jsonl) >= 1000:
                flush_jsonl()
        written += len(p["body"].encode("utf-8")) + len(p["title"].encode("utf-8")) + 60
    flush_listing()
    flush_jsonl()
    return {"posts": n, "bytes": written, "out": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=10)
    ap.add_argument("--out", default=None)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", f"{a.size_mb:g}mb")
    print(json.dumps(generate(out, a.size_mb, a.seed)))


if __name__ == "__main__":
    main()
