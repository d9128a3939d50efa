UPDATE orders SET priority = NULL;
