export interface Book {
  id: number;
  title: string;
  author: string;
}

// An in-memory shelf: the exercise is about the build, not about storage.
export class Shelf {
  private readonly books = new Map<number, Book>();
  private nextId = 1;

  add(title: string, author: string): Book {
    const book = { id: this.nextId++, title, author };
    this.books.set(book.id, book);
    return book;
  }

  list(): Book[] {
    return [...this.books.values()];
  }
}
