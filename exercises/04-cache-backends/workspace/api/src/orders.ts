export interface Order {
  readonly id: number;
  readonly item: string;
  readonly quantity: number;
  readonly status: "queued" | "packed";
}

/** Orders wait here until the worker packs them; an in-memory list is enough for the exercise. */
export class OrderBook {
  private readonly orders: Order[] = [];

  place(item: string, quantity: number): Order {
    const order: Order = { id: this.orders.length + 1, item, quantity, status: "queued" };
    this.orders.push(order);
    return order;
  }

  list(): readonly Order[] {
    return this.orders;
  }
}
