import express from "express";
import { OrderBook } from "./orders";

const app = express();
const book = new OrderBook();

app.use(express.json());
app.get("/health", (_req, res) => {
  res.json({ status: "ok" });
});
app.get("/orders", (_req, res) => {
  res.json(book.list());
});
app.post("/orders", (req, res) => {
  const { item, quantity } = req.body as { item?: string; quantity?: number };
  if (!item || !quantity || quantity < 1) {
    res.status(400).json({ error: "item and a positive quantity are required" });
    return;
  }
  res.status(201).json(book.place(item, quantity));
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => {
  console.log(`orders-api listening on ${port}`);
});
