import express from "express";
import { Shelf } from "./shelf";

const app = express();
const shelf = new Shelf();
shelf.add("The Pragmatic Programmer", "Hunt & Thomas");

app.use(express.json());
app.get("/health", (_req, res) => {
  res.json({ status: "ok" });
});
app.get("/books", (_req, res) => {
  res.json(shelf.list());
});
app.post("/books", (req, res) => {
  const { title, author } = req.body as { title?: string; author?: string };
  if (!title || !author) {
    res.status(400).json({ error: "title and author are required" });
    return;
  }
  res.status(201).json(shelf.add(title, author));
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => {
  console.log(`shelf-api listening on ${port}`);
});
